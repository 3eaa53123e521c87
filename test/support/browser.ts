/**
 * A minimal browser for the authorization server's pages: keeps cookies, follows redirects itself and stops
 * at the first one that leaves the server (the client's redirect URI), and reads forms out of the HTML.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async get(url: string): Promise<Page> {
    return this.go(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>): Promise<Page> {
    return this.go(url, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Follows same-origin redirects; a redirect elsewhere ends the walk and is returned as `redirect`. */
  private async go(url: string, init: RequestInit): Promise<Page> {
    let next = new URL(url, this.origin);
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.cookieHeader(), 'accept-language': 'en' },
      });
      for (const c of res.headers.getSetCookie()) this.store(c);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const target = new URL(location, next);
        if (target.origin !== this.origin) return { status: res.status, html: '', url: next.href, redirect: target };
        next = target;
        request = { method: 'GET' };
        continue;
      }
      return { status: res.status, html: await res.text(), url: next.href };
    }
    throw new Error('too many redirects');
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(setCookie: string): void {
    const [pair] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/expires=Thu, 01 Jan 1970/i.test(setCookie) || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

export interface Page {
  status: number;
  html: string;
  url: string;
  /** Where the server sent the browser off to (the client's redirect URI), when it did. */
  redirect?: URL;
}

/** A form's action (resolved against the page) and its hidden inputs. */
export function formOf(page: Page, index = 0): { action: string; fields: Record<string, string> } {
  const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms[index];
  if (!form) throw new Error(`no form on ${page.url}: ${page.html.slice(0, 300)}`);
  const action = /action="([^"]*)"/.exec(form[1])?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
  }
  return {
    action: new URL(
      action.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
      page.url,
    ).href,
    fields,
  };
}
