import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Catalogue } from '../catalogue/catalogue';
import { ReadQueries } from '../projections/read-queries';
import type { CommandContext } from './command';
import { CommandResult, CommandRunner } from './command-runner';
import { type RequestCommand, specOf } from './slice';

/**
 * What travels on the CommandBus: the command's slice, the context, the input decided at the edge, and the
 * body the client sent (its fingerprint guards the Idempotency-Key, so it must not hold server-generated ids).
 */
export class RunCommand<I = unknown> {
  constructor(
    readonly slice: RequestCommand<object, I>,
    readonly ctx: CommandContext,
    readonly input: I,
    readonly body: unknown,
  ) {}
}

/** The one handler: any command's spec, run through the one command loop (read → fold → decide → append). */
@CommandHandler(RunCommand)
export class RunCommandHandler implements ICommandHandler<RunCommand, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly catalogue: Catalogue,
    @Optional() @Inject(ReadQueries) private readonly readModels: ReadQueries | null = null,
  ) {}

  async execute({ slice, ctx, input, body }: RunCommand): Promise<CommandResult> {
    const prepared = slice.prepare ? await slice.prepare(input, { readModels: this.readModels ?? null, now: ctx.now }) : input;
    // The body added to the spec, not spread after it: a new hidden class for every command (see lineBalance, balances.queries.ts).
    return this.runner.run(ctx, Object.assign(specOf(slice, prepared, this.catalogue), { body }));
  }
}
