/*
 * The server as bench/imap-ingest runs it: the product's compose() with the e-mail channel built
 * from the same config, plus the one knob the bench varies, BENCH_RECEIPTS=off (receipts are on in
 * the product). Run as its own process so the bench can SIGKILL it.
 */
import { loadConfig } from '../../server/core/config';
import { compose } from '../../server/index';
import { createLogger } from '../../server/core/logger';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const receipts = process.env.BENCH_RECEIPTS !== 'off';
  const server = await compose(config, { logger, email: { receipts } });
  await server.listen(0);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
