import { Controller, Get, Headers, Inject, Param, Redirect, Req, Res, StreamableFile, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthSettings } from '../auth/auth-settings';
import { NotFoundError } from '../common/domain-errors';
import { SettingsPageAssets } from './settings-page-assets';
import { hasCookie, renderSettingsPage } from './settings-page-html';

export const SETTINGS_PAGE_POLICY = Symbol('SETTINGS_PAGE_POLICY');

/** The token policy the page presents (its expiry choices, and which tokens it marks as expiring soon). */
export interface SettingsPagePolicy {
  allowNeverExpiring: boolean;
  maxTtlSeconds: number;
  /** The first (largest) expiry notice threshold in days; 0 when no notices are configured. */
  expiryNoticeDays: number;
}

/**
 * For hosts without a Content-Security-Policy of their own (the standalone service's security
 * headers keep a page's own): the page needs nothing beyond its own origin.
 */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

type RequestHeaders = Record<string, string | string[] | undefined>;

/** The page's controller, mounted at `path` (a class per path: Nest takes a controller's path from its decorator). */
export function settingsPageController(path: string, authRoutePrefix: string): Type {
  @ApiExcludeController()
  @Controller(path)
  class SettingsPageController {
    constructor(
      private readonly assets: SettingsPageAssets,
      private readonly auth: AuthSettings,
      @Inject(SETTINGS_PAGE_POLICY) private readonly policy: SettingsPagePolicy,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get()
    page(@Req() request: unknown, @Headers() headers: RequestHeaders, @Res({ passthrough: true }) response: unknown): StreamableFile {
      const template = this.assets.template;
      if (template === undefined) throw new NotFoundError('The settings page has not been built: run `npm run build`');
      const requestPath = String(this.adapterHost.httpAdapter.getRequestUrl(request)).split('?')[0];
      const html = renderSettingsPage(template, requestPath, path, {
        authRoutePrefix,
        defaultServer: this.auth.defaultServer,
        allowNeverExpiring: this.policy.allowNeverExpiring,
        maxTtlSeconds: this.policy.maxTtlSeconds,
        expiryNoticeDays: this.policy.expiryNoticeDays,
        sessionCookiePresent: hasCookie(headers.cookie, this.auth.sessionCookieName),
      });
      // Rendered per request (it says whether a session cookie came): never cached.
      return this.send(response, Buffer.from(html, 'utf8'), 'text/html; charset=utf-8', 'no-store');
    }

    @Get('assets/:file')
    asset(@Param('file') file: string, @Res({ passthrough: true }) response: unknown): StreamableFile {
      const asset = this.assets.get(file);
      if (!asset) throw new NotFoundError('No such file');
      return this.send(response, asset.body, asset.contentType, asset.cacheControl);
    }

    private send(response: unknown, body: Buffer, contentType: string, cacheControl: string): StreamableFile {
      const http = this.adapterHost.httpAdapter;
      http.setHeader(response, 'Cache-Control', cacheControl);
      http.setHeader(response, 'X-Content-Type-Options', 'nosniff');
      if (contentType.startsWith('text/html')) {
        if (!http.getHeader(response, 'Content-Security-Policy')) http.setHeader(response, 'Content-Security-Policy', PAGE_CSP);
        if (!http.getHeader(response, 'X-Frame-Options')) http.setHeader(response, 'X-Frame-Options', 'DENY');
        if (!http.getHeader(response, 'Referrer-Policy')) http.setHeader(response, 'Referrer-Policy', 'no-referrer');
      }
      return new StreamableFile(body, { type: contentType, length: body.length });
    }
  }
  return SettingsPageController;
}

/** `GET /` → the page (the standalone service; never a host's root unless it asks). */
export function rootRedirectController(path: string): Type {
  @ApiExcludeController()
  @Controller()
  class SettingsPageRedirectController {
    constructor(private readonly adapterHost: HttpAdapterHost) {}

    @Get()
    @Redirect(undefined, 302)
    root(@Req() request: unknown): { url: string } {
      // Relative to the request (`/` → `settings/tokens`, `/v1` → `v1/settings/tokens`): right under any prefix or proxy.
      const requestPath = String(this.adapterHost.httpAdapter.getRequestUrl(request)).split('?')[0];
      return { url: requestPath.endsWith('/') ? path : `${requestPath.slice(requestPath.lastIndexOf('/') + 1)}/${path}` };
    }
  }
  return SettingsPageRedirectController;
}
