import type { CommandContext } from './command';

/**
 * What travels on the CommandBus: the context, the decided-at-the-edge input, and the body the client
 * sent (its fingerprint guards the Idempotency-Key, so it must not contain server-generated ids).
 */
export abstract class LedgerCommand<I> {
  constructor(
    readonly ctx: CommandContext,
    readonly input: I,
    readonly body: unknown,
  ) {}
}
