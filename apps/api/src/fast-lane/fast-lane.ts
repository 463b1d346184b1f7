import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { Express } from 'express';
import proxyAddr from 'proxy-addr';
import { AuthCache, bearerToken, type AuthUser } from '#auth';
import { HttpMetrics, requestIdFrom, type RequestLogMiddleware } from '#http';
import type { FastAnswer, FastRoute } from './fast-route.js';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** What the lane shares with the app it stands in front of, set by `install`. */
interface Pipeline {
  /** Express's ETag and proxy-trust settings. */
  etag: (body: Buffer, encoding?: BufferEncoding) => string | undefined;
  trustProxy: (address: string, index: number) => boolean;
  isShuttingDown: () => boolean;
  log: RequestLogMiddleware;
}

interface Prepared {
  bytes: Buffer;
  etag: string | undefined;
}

/** Request headers that make the answer depend on more than the path and the user. */
const EXPRESS_ONLY_HEADERS = [
  'origin',
  'if-none-match',
  'if-modified-since',
  'content-length',
  'transfer-encoding',
] as const;

/** Response headers Express sets per response; the lane sets its own. */
const PER_RESPONSE_HEADERS = new Set(['x-request-id', 'content-length', 'etag', 'date']);

/**
 * The hot path: GET requests whose answer is already in memory (GET /servers, GET /api/health)
 * are answered before Express, with the same bytes, the same headers (learned from Express's
 * own 200 answer to the same route), the same access-log line, request id and metrics. Only a
 * plain request is answered here: a known token (AuthCache, the same checks as the guard), no
 * query string, no Origin, no conditional or body headers, the app not shutting down. Anything
 * else, and any miss, goes to Express unchanged, so behaviour is the controller's.
 */
@Injectable()
export class FastLane {
  private readonly routes = new Map<string, FastRoute>();
  /** Per route, Express's 200 headers (name, value, name, value...) but the per-response ones. */
  private readonly templates = new Map<FastRoute, string[]>();
  private readonly prepared = new WeakMap<FastAnswer, Prepared>();
  /** Requests answered here (tests read it to know which path served them). */
  served = 0;

  constructor(
    private readonly auth: AuthCache,
    private readonly metrics: HttpMetrics,
  ) {}

  /** Routes call this from onModuleInit. */
  register(route: FastRoute): void {
    for (const path of route.paths) this.routes.set(path, route);
  }

  /**
   * Puts the lane in front of `expressApp` as the server's request listener. `isShuttingDown`
   * is the adapter's state: while it is true Express answers 503, so the lane answers nothing.
   */
  install(
    server: { listeners(event: 'request'): unknown[]; removeAllListeners(event: 'request'): void },
    expressApp: Express,
    log: RequestLogMiddleware,
    isShuttingDown: () => boolean,
  ): void {
    const [listener, ...others] = server.listeners('request') as RequestListener[];
    if (!listener || others.length > 0) throw new Error('expected one request listener');
    const pipeline: Pipeline = {
      etag: expressApp.get('etag fn') as Pipeline['etag'],
      trustProxy: expressApp.get('trust proxy fn') as Pipeline['trustProxy'],
      isShuttingDown,
      log,
    };
    server.removeAllListeners('request');
    (server as unknown as { on(event: 'request', listener: RequestListener): void }).on(
      'request',
      (request, response) => {
        if (!this.serve(request, response, pipeline)) listener(request, response);
      },
    );
  }

  /** Answers the request and returns true, or returns false and leaves it untouched. */
  private serve(request: IncomingMessage, response: ServerResponse, pipeline: Pipeline): boolean {
    const route = request.method === 'GET' ? this.routes.get(request.url ?? '') : undefined;
    if (!route || pipeline.isShuttingDown() || !isPlain(request)) return false;
    const started = process.hrtime.bigint();
    const user = route.isPublic ? undefined : this.userOf(request);
    if (!route.isPublic && !user) return false;
    const template = this.templates.get(route);
    const answer = template && route.answer(user);
    if (!template || !answer) {
      if (!template) this.learnFrom(route, response);
      return false;
    }
    const { bytes, etag } = this.prepare(answer, pipeline);
    const requestId = requestIdFrom(header(request, 'x-request-id'));
    response.writeHead(200, [
      ...template,
      'X-Request-Id',
      requestId,
      'Content-Length',
      String(bytes.length),
      ...(etag ? ['ETag', etag] : []),
    ]);
    response.end(bytes);
    this.served += 1;
    this.record(pipeline, { request, route, user, requestId, started });
    return true;
  }

  private userOf(request: IncomingMessage): AuthUser | undefined {
    const token = bearerToken(request);
    return token ? this.auth.knownUser(token) : undefined;
  }

  /** Keeps the headers of Express's 200 answer to this route (a plain request, like ours). */
  private learnFrom(route: FastRoute, response: ServerResponse): void {
    response.once('finish', () => {
      if (response.statusCode !== 200 || this.templates.has(route)) return;
      // As Express cased them (Node >= 15.13; missing from @types/node's ServerResponse).
      const names = (response as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames();
      const headers = names
        .filter((name) => !PER_RESPONSE_HEADERS.has(name.toLowerCase()))
        .flatMap((name) => [name, String(response.getHeader(name))]);
      this.templates.set(route, headers);
    });
  }

  private prepare(answer: FastAnswer, pipeline: Pipeline): Prepared {
    let prepared = this.prepared.get(answer);
    if (!prepared) {
      const bytes = Buffer.from(answer.body);
      prepared = { bytes, etag: pipeline.etag(bytes) };
      this.prepared.set(answer, prepared);
    }
    return prepared;
  }

  /** The access line and the request metric, as the Express middlewares write them. */
  private record(pipeline: Pipeline, served: Served): void {
    const { request, route, user, requestId, started } = served;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.metrics.observe('GET', route.metricsRoute, 200, ms / 1000);
    const ip = proxyAddr(request, pipeline.trustProxy);
    pipeline.log.log(
      { method: 'GET', originalUrl: request.url ?? '', ip, requestId, user },
      200,
      ms,
    );
  }
}

/** One request the lane answered. */
interface Served {
  request: IncomingMessage;
  route: FastRoute;
  user: AuthUser | undefined;
  requestId: string;
  started: bigint;
}

function isPlain(request: IncomingMessage): boolean {
  return EXPRESS_ONLY_HEADERS.every((name) => request.headers[name] === undefined);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
