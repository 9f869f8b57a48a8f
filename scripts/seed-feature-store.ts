/**
 * Fills Redis with the online features of the fraud-scorer-fresh example: merchant risk and card
 * profiles computed from a labelled history of the transaction generator (the same computation the
 * model was trained with), as an offline materialisation job would. Layout: src/features/store/README.md.
 *
 *   npx tsx scripts/seed-feature-store.ts [--redis redis://127.0.0.1:6379] [--seed 42] [--age-ms 0]
 *
 * --redis defaults to STROBE_REDIS_URL, then redis://127.0.0.1:6379. --age-ms back-dates the update
 * times (to see the freshness policies act). Card ids match `strobe produce` with up to 20,000 keys.
 */
import { parseArgs } from 'node:util';
import { RedisFeatureStore } from '../src/features/store/redis-feature-store.js';
import { TransactionGenerator } from '../src/generator/transactions.js';
import { computeProfiles, GENERATOR_OPTIONS, HISTORY } from './models/fraud-profiles.js';

const { values: args } = parseArgs({ options: { redis: { type: 'string' }, seed: { type: 'string', default: '42' }, 'age-ms': { type: 'string', default: '0' } } });
const url = args.redis ?? process.env.STROBE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const seed = Number(args.seed);
const updatedAt = Date.now() - Number(args['age-ms']);

const profiles = computeProfiles(new TransactionGenerator({ seed, ...GENERATOR_OPTIONS }).batch(HISTORY));
const store = new RedisFeatureStore({ url, commandTimeoutMs: 10_000 });
await store.connect();
if (!store.ready) {
  console.error(`cannot reach Redis at ${url}`);
  process.exit(1);
}
const entities = [
  ...[...profiles.merchants].map(([id, v]) => ({ key: `merchant:${id}`, values: v, updatedAt })),
  ...[...profiles.cards].map(([id, v]) => ({ key: `card:${id}`, values: v, updatedAt })),
];
for (let i = 0; i < entities.length; i += 2000) await store.writeEntities(entities.slice(i, i + 2000));
await store.close();
console.log(`wrote ${profiles.merchants.size} merchants and ${profiles.cards.size} cards to ${url.replace(/\/\/[^@]*@/, '//***@')} (updated at ${new Date(updatedAt).toISOString()})`);
