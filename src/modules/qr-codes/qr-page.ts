import type { IssuedCode } from './qr-codes.service.js';

/** The /qr page's Content-Security-Policy: its one inline script by nonce, images from here and blobs. */
export const qrPageCsp = (nonce: string) =>
  `default-src 'none'; script-src 'nonce-${nonce}'; img-src 'self' data: blob:; connect-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

const escapeHtml = (value: string | number) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT = {
  ru: { title: 'Мой QR-код', until: 'Действителен до', signIn: 'Войдите на сайт, чтобы увидеть свой QR-код.' },
  en: { title: 'My QR code', until: 'Valid until', signIn: 'Sign in to the site to see your QR code.' },
};

/**
 * The signed-in user's QR code, server rendered (the current code inlined as SVG), with a small script that
 * fetches the next image (`/api/qr.svg`, whose X-QR-Time-Start/Expire headers give its window) half the lead
 * before the current one expires, and swaps it in at its time_start. No framework.
 */
export function qrPage(p: { svg: string; code: IssuedCode; leadSeconds: number; nonce: string; lang: 'ru' | 'en' }): string {
  const t = TEXT[p.lang];
  const svgData = `data:image/svg+xml;base64,${Buffer.from(p.svg).toString('base64')}`;
  return `<!doctype html>
<html lang="${p.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;display:flex;flex-direction:column;align-items:center;margin:2rem}
img{width:min(80vw,320px);height:auto;image-rendering:pixelated}code{font-size:.9rem;word-break:break-all}</style></head>
<body><h1>${escapeHtml(t.title)}</h1>
<img id="qr" alt="QR" src="${svgData}" data-start="${p.code.time_start}" data-expire="${p.code.time_expire}">
<p><code id="code">${escapeHtml(p.code.code)}</code></p>
<p>${escapeHtml(t.until)} <time id="until">${new Date(p.code.time_expire * 1000).toISOString()}</time></p>
<script nonce="${p.nonce}">
(() => {
  const lead = ${Number(p.leadSeconds)};
  const img = document.getElementById('qr');
  const codeText = document.getElementById('code');
  const until = document.getElementById('until');
  let expire = Number(img.dataset.expire);
  const later = (ms, f) => setTimeout(f, Math.max(0, ms));
  async function refresh() {
    try {
      const res = await fetch('/api/qr.svg', { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const start = Number(res.headers.get('x-qr-time-start'));
      const nextExpire = Number(res.headers.get('x-qr-time-expire'));
      const code = res.headers.get('x-qr-code') || '';
      const url = URL.createObjectURL(await res.blob());
      later(start * 1000 - Date.now(), () => {
        const old = img.src;
        img.src = url;
        img.dataset.start = String(start);
        img.dataset.expire = String(nextExpire);
        codeText.textContent = code;
        until.textContent = new Date(nextExpire * 1000).toISOString();
        if (old.startsWith('blob:')) URL.revokeObjectURL(old);
        expire = nextExpire;
        schedule();
      });
    } catch {
      later(5000, refresh);
    }
  }
  function schedule() {
    later((expire - Math.max(1, Math.floor(lead / 2))) * 1000 - Date.now(), refresh);
  }
  schedule();
})();
</script></body></html>`;
}

export function signInFirstPage(lang: 'ru' | 'en'): string {
  const t = TEXT[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(t.title)}</title></head>
<body><h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.signIn)}</p></body></html>`;
}
