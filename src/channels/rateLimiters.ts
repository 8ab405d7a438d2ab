/**
 * rate-limiter-flexible's three classes Ruta uses, each from its own file. The package's index
 * requires every limiter it has (Mongo, MySQL, Postgres, DynamoDB, etcd, Memcached…: 36 files);
 * these three are 5 of them. Measured on this machine, after ioredis: 14–20 ms for the index
 * against 5–6 ms for the three (issue 13: start-up).
 *
 * They are the very objects the index exports (Node's require cache holds each file once): an
 * error thrown by RateLimiterRedis is an instance of this RateLimiterRes (a test checks).
 */
import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';

const require = createRequire(import.meta.url);

export const RateLimiterRedis = require('rate-limiter-flexible/lib/RateLimiterRedis.js') as typeof Flexible.RateLimiterRedis;
export const RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof Flexible.RateLimiterMemory;
export const RateLimiterRes = require('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof Flexible.RateLimiterRes;
export type RateLimiterRes = Flexible.RateLimiterRes;
export type RateLimiterAbstract = Flexible.RateLimiterAbstract;
