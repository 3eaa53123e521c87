import type { LocalizedText } from '../../common/i18n/language.js';

/** The texts of the identity contracts (seed 002 gives the Russian ones). */
export const MESSAGES = {
  signInFailed: {
    ru: 'Вход в систему невозможен. Проверьте правильность имени пользователя и повторите ввод пароля.',
    en: 'Sign in failed. Check the user name and enter the password again.',
  },
  userLocked: {
    ru: 'Учётная запись заблокирована. Повторите попытку после {until}.',
    en: 'The account is locked. Try again after {until}.',
  },
  userExpired: { ru: 'Срок действия учётной записи истёк.', en: 'The account has expired.' },
  usernameTaken: { ru: 'Учётная запись "{value}" уже существует.', en: 'The account "{value}" already exists.' },
  emailTaken: {
    ru: 'Учётная запись с электронным адресом "{value}" уже зарегистрирована.',
    en: 'An account with the email address "{value}" is already registered.',
  },
  phoneTaken: {
    ru: 'Учётная запись с телефоном "{value}" уже зарегистрирована.',
    en: 'An account with the phone "{value}" is already registered.',
  },
  unauthorized: { ru: 'Требуется авторизация.', en: 'Unauthorized' },
  tokenExpired: { ru: 'Token expired', en: 'Token expired' },
  invalidToken: { ru: 'Недействительный маркер доступа.', en: 'Invalid access token.' },
  sessionClosed: { ru: 'Сессия не найдена или закрыта.', en: 'The session does not exist or is closed.' },
  badSignature: { ru: 'Неверная подпись.', en: 'Invalid signature.' },
  staleNonce: { ru: 'Значение Nonce устарело или ещё не наступило.', en: 'The Nonce is outside the allowed window.' },
  replayedNonce: { ru: 'Значение Nonce уже использовано.', en: 'The Nonce has already been used.' },
  badSecret: { ru: 'Неверный секретный код сессии.', en: 'Wrong session secret.' },
  forbidden: { ru: 'Недостаточно прав для выполнения операции.', en: 'Not allowed.' },
  insufficientScope: {
    ru: 'Маркер доступа не даёт доступа к этому ресурсу (нужна область "{scope}").',
    en: 'The access token does not reach this resource (it needs the "{scope}" scope).',
  },
  accountCreatorsOnly: {
    ru: 'Создавать учётные записи могут только администраторы и клиенты с правом регистрации.',
    en: 'Only administrators and clients with the account-creating right may create accounts.',
  },
  badBasic: { ru: 'Неверный заголовок Authorization: Basic.', en: 'Malformed Authorization: Basic header.' },
  loginRequired: {
    ru: 'Укажите username или email (он станет логином).',
    en: 'Give username, or email (it becomes the login).',
  },
  passwordTooShort: {
    ru: 'Пароль должен быть не короче {min} символов.',
    en: 'password must be at least {min} characters long',
  },
  authorized: { ru: 'Успешно.', en: 'Success.' },
  notFound: { ru: '{what} "{value}" не найден(а).', en: '{what} "{value}" not found.' },
  notAllowed: { ru: '{what} "{value}" недоступен(на) пользователю.', en: '{what} "{value}" is not allowed to the user.' },
  legacyRefreshRefused: {
    ru: 'Маркер доступа не может быть обновлён: войдите в систему заново.',
    en: 'The token cannot be renewed: sign in again.',
  },
} satisfies Record<string, LocalizedText>;
