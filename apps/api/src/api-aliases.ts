import { Injectable, OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';

/** The prefix the upstream project's clients put before every route. */
export const API_PREFIX = '/api';

interface RoutePattern {
  method: string;
  matches: MatchFunction<object>;
}

/**
 * Every route answers at the root (seed clients) and under /api (the upstream project's
 * clients): `/api/servers` is served by the handler of `/servers`, with its guards and roles.
 * Routes that live under /api already (`/api/health`, `/api/pools/status`, the upstream-only
 * ones) are served as they are. A rewrite of the URL before routing, so that a route added
 * anywhere gets its alias with nothing to remember.
 */
@Injectable()
export class ApiAliases implements OnApplicationBootstrap {
  private native: RoutePattern[] = [];
  private root: RoutePattern[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    for (const { method, path } of this.routes()) {
      const pattern = { method, matches: match(path) };
      if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) this.native.push(pattern);
      else this.root.push(pattern);
    }
  }

  /** Express middleware, registered before the routes. */
  readonly middleware = (request: Request, _response: Response, next: NextFunction): void => {
    const path = request.path;
    if (path.startsWith(`${API_PREFIX}/`)) {
      const served = this.servedPath(request.method, path);
      if (served !== path) request.url = served + request.url.slice(path.length);
    }
    next();
  };

  /** The path whose handler serves `path` (a path under /api). */
  servedPath(method: string, path: string): string {
    if (this.native.some((route) => handles(route, method, path))) return path;
    const stripped = path.slice(API_PREFIX.length);
    return this.root.some((route) => handles(route, method, stripped)) ? stripped : path;
  }

  /** Every (method, path) the app's controllers serve, in path-to-regexp syntax. */
  private routes(): { method: string; path: string }[] {
    return this.discovery.getControllers().flatMap(({ metatype, instance }) => {
      if (!metatype || !instance) return [];
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const prototype = Object.getPrototypeOf(instance) as object;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = (prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') return [];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (method === undefined || path === undefined) return [];
        return [{ method: RequestMethod[method], path: joinPath(base, path) }];
      });
    });
  }
}

function handles(route: RoutePattern, method: string, path: string): boolean {
  const sameMethod =
    route.method === 'ALL' ||
    route.method === method ||
    (method === 'HEAD' && route.method === 'GET');
  return sameMethod && route.matches(path) !== false;
}

function joinPath(base: string, path: string): string {
  const parts = [base, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}
