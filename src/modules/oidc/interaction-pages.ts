import type { Language } from '../../common/i18n/language.js';

/**
 * The authorization server's few HTML pages (login, consent, logout, errors): plain server-rendered
 * markup, every interpolated value escaped, no scripts. Texts in ru and en.
 */

/** The policy for these pages: no scripts, own styles, forms may lead on to the client's redirect URI. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'";

const TEXT = {
  signInTitle: { ru: 'Вход', en: 'Sign in' },
  signInTo: { ru: 'Вход в приложение «{client}»', en: 'Sign in to “{client}”' },
  login: { ru: 'Имя пользователя, телефон или электронный адрес', en: 'User name, phone or email' },
  password: { ru: 'Пароль', en: 'Password' },
  signIn: { ru: 'Войти', en: 'Sign in' },
  cancel: { ru: 'Отмена', en: 'Cancel' },
  consentTitle: { ru: 'Разрешение доступа', en: 'Allow access' },
  consentAsk: { ru: 'Приложение «{client}» запрашивает доступ:', en: '“{client}” asks for access to:' },
  allow: { ru: 'Разрешить', en: 'Allow' },
  deny: { ru: 'Запретить', en: 'Deny' },
  logoutTitle: { ru: 'Выход', en: 'Sign out' },
  logoutAsk: { ru: 'Выйти из системы?', en: 'Sign out now?' },
  logout: { ru: 'Выйти', en: 'Sign out' },
  errorTitle: { ru: 'Ошибка', en: 'Error' },
} satisfies Record<string, Record<Language, string>>;

const SCOPES: Record<string, Record<Language, string>> = {
  openid: { ru: 'ваш идентификатор', en: 'your identifier' },
  profile: { ru: 'имя и профиль', en: 'your name and profile' },
  email: { ru: 'электронный адрес', en: 'your email address' },
  phone: { ru: 'номер телефона', en: 'your phone number' },
  offline_access: { ru: 'доступ, когда вас нет в системе (маркер обновления)', en: 'access while you are away (refresh token)' },
  api: { ru: 'API платформы от вашего имени', en: 'the platform API on your behalf' },
};

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function t(key: keyof typeof TEXT, lang: Language, params: Record<string, string> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
}

function layout(lang: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2430;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12);padding:2rem;width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #b8bfcc;border-radius:4px;font:inherit}
.actions{display:flex;gap:.5rem;margin-top:1.2rem}button{flex:1;padding:.55rem;border-radius:4px;border:1px solid #2557d6;background:#2557d6;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#fff;color:#2557d6}.error{background:#fdecec;color:#a11;padding:.6rem;border-radius:4px}ul{padding-left:1.2rem}
</style></head><body><main>${body}</main></body></html>`;
}

/**
 * `action` is the interaction's absolute path (`/oauth2/interaction/<uid>`): the page is also served at
 * `<uid>/login` after a wrong password, where a relative action would resolve below itself.
 */
export function loginPage(p: { action: string; csrf: string; client: string; login?: string; error?: string; lang: Language }): string {
  const { lang } = p;
  return layout(
    lang,
    t('signInTitle', lang),
    `<h1>${escapeHtml(t('signInTo', lang, { client: p.client }))}</h1>
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}/login" autocomplete="on">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<label for="login">${escapeHtml(t('login', lang))}</label><input type="text" id="login" name="login" value="${escapeHtml(p.login)}" maxlength="100" required autofocus>
<label for="password">${escapeHtml(t('password', lang))}</label><input type="password" id="password" name="password" maxlength="1000" required>
<div class="actions"><button type="submit">${escapeHtml(t('signIn', lang))}</button>
<button type="submit" class="secondary" formaction="${escapeHtml(p.action)}/abort" formnovalidate>${escapeHtml(t('cancel', lang))}</button></div>
</form>`,
  );
}

export function consentPage(p: { action: string; csrf: string; client: string; scopes: string[]; lang: Language }): string {
  const { lang } = p;
  const items = p.scopes.map((s) => `<li>${escapeHtml(SCOPES[s]?.[lang] ?? s)}</li>`).join('');
  return layout(
    lang,
    t('consentTitle', lang),
    `<h1>${escapeHtml(t('consentTitle', lang))}</h1>
<p>${escapeHtml(t('consentAsk', lang, { client: p.client }))}</p><ul>${items}</ul>
<form method="post" action="${escapeHtml(p.action)}/confirm">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<div class="actions"><button type="submit">${escapeHtml(t('allow', lang))}</button>
<button type="submit" class="secondary" formaction="${escapeHtml(p.action)}/abort">${escapeHtml(t('deny', lang))}</button></div>
</form>`,
  );
}

/** The provider's logout confirmation: its form (action and xsrf token, built by oidc-provider) and our button. */
export function logoutPage(providerForm: string, lang: Language): string {
  return layout(
    lang,
    t('logoutTitle', lang),
    `<h1>${escapeHtml(t('logoutAsk', lang))}</h1>${providerForm}
<div class="actions"><button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(t('logout', lang))}</button></div>`,
  );
}

export function errorPage(error: string, description: string | undefined, lang: Language): string {
  return layout(
    lang,
    t('errorTitle', lang),
    `<h1>${escapeHtml(t('errorTitle', lang))}</h1><p class="error">${escapeHtml(error)}</p><p>${escapeHtml(description)}</p>`,
  );
}
