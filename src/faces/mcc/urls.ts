import type { Context } from 'koa';

export const SOAP_PATH = '/mc/cxf/soap';
export const REST_PATH = '/mc/cxf/rest';
export const JSON_PATH = `${REST_PATH}/json`;

/**
 * The base URL clients should use: the configured public URL, or the one this request came in on
 * (Koa reads X-Forwarded-Proto/Host only when the app trusts its proxy).
 */
export function baseUrl(ctx: Context, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${ctx.protocol}://${ctx.host}`;
}
