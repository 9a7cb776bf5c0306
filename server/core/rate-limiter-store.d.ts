/*
 * rate-limiter-flexible's base class for stores is public API for writing one (its README's
 * "custom store") but the package's index exports it only as a type; the class itself is here.
 */
declare module 'rate-limiter-flexible/lib/RateLimiterStoreAbstract' {
  import { RateLimiterStoreAbstract } from 'rate-limiter-flexible';
  export = RateLimiterStoreAbstract;
}
