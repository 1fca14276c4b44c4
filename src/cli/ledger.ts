#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { registerAuditCommands } from '../audit/audit.commands';
import { registerUserCommands } from '../identity/users.commands';
import { registerJournalCommands } from '../journal/journal.commands';
import { registerProjectionCommands } from '../projections/projections.commands';
import { registerQueryCommands } from '../projections/queries.commands';
import { registerRedFlagCommands } from '../projections/red-flags.commands';
import { registerReportCommands } from '../reports/reports.commands';
import { registerServeCommand } from './serve.command';

/**
 * `ledger`: the command-line entry point. Each feature adds its own sub-commands through a
 * register*Commands(program) function, so this file only lists them.
 */
export function buildProgram(): Command {
  const program = new Command('ledger')
    .description('Event-sourced ledger of the National Target Programme for Sustainable Poverty Reduction')
    .showHelpAfterError();
  registerServeCommand(program);
  registerAuditCommands(program);
  registerJournalCommands(program);
  registerProjectionCommands(program);
  registerUserCommands(program);
  registerQueryCommands(program);
  registerRedFlagCommands(program);
  registerReportCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
