/**
 * npm run bench:pipe [-- --calls 20000 --rounds 3]
 *
 * The validation of a command body alone, on the body bench:append's HTTP clients send (/commands/disburse): the
 * ledger's pipe (src/api/validation.ts: text rules in one pass, the DTO built and its rules checked from per-class
 * plans, class-validator for the errors) against the way it replaced, Nest's ValidationPipe after the copying text
 * rules (test/support/validation-oracle.ts, the oracle of the equivalence spec). Each round runs both in turn, on an
 * accepted body and on a refused one (a bad amount and a missing voucher date), and prints CPU µs per call.
 * Figures only; nothing here asserts a time.
 */
import 'reflect-metadata';
import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DisburseDto } from '../src/commands/disburse/disburse.dto';
import { ledgerValidationPipe } from '../src/api/validation';
import { OracleValidationPipe } from '../test/support/validation-oracle';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = option('calls', 20_000);
const ROUNDS = option('rounds', 3);

const LINE = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
/** A fresh body per call, as a request's parser gives one. */
const accepted = (i: number) => ({
  line: { ...LINE },
  activityId: `A-${i % 1000}`,
  amount: '1550440.5',
  voucher: { number: `UNC-1-${i}`, date: '2024-06-20', treasury: 'KBNN Văn Quan' },
});
const refused = (i: number) => ({ ...accepted(i), amount: '1550440.555', voucher: { number: `UNC-1-${i}`, treasury: 'KBNN Văn Quan' } });

const METADATA: ArgumentMetadata = { type: 'body', metatype: DisburseDto };

/** CPU µs per call of `calls` validations (the refused ones caught). */
async function cpuPerCall(pipe: PipeTransform, body: (i: number) => object, calls: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    try {
      await pipe.transform(body(i), METADATA);
    } catch {
      // refused: what is measured is the time to say so
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / calls;
}

async function main() {
  const pipes: [string, PipeTransform][] = [
    ['before (Nest ValidationPipe)', new OracleValidationPipe()],
    ['ledger pipe (plans)', ledgerValidationPipe()],
  ];
  const bodies: [string, (i: number) => object][] = [
    ['accepted', accepted],
    ['refused', refused],
  ];
  // Both paths and both bodies warmed up (the plans built, the code optimized) before anything is counted.
  for (const [, pipe] of pipes) for (const [, body] of bodies) await cpuPerCall(pipe, body, 2_000);
  const results = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [bodyName, body] of bodies) {
      for (const [pipeName, pipe] of pipes) {
        const key = `${bodyName.padEnd(9)} ${pipeName}`;
        results.set(key, [...(results.get(key) ?? []), await cpuPerCall(pipe, body, CALLS)]);
      }
    }
  }
  console.log(`bench:pipe — POST /commands/disburse body, ${CALLS.toLocaleString('en-US')} calls × ${ROUNDS} rounds, CPU µs per call (each round's figure)`);
  for (const [key, figures] of results) {
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(`${key.padEnd(40)} median ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(6)} µs   (${figures.map((f) => f.toFixed(1)).join(', ')})`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
