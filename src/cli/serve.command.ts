import type { Command } from 'commander';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/ledger-config';
import { startLedger } from '../main';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API on the configured store')
    .option('-p, --port <port>', 'port to listen on (default PORT or 3000)')
    .action(async (opts: { port?: string }) => {
      const config = loadConfig(process.env, opts.port ? { port: Number(opts.port) } : {});
      const { url } = await startLedger(config);
      new Logger('Ledger').log(`listening on ${url}; OpenAPI at ${url}/docs`);
    });
}
