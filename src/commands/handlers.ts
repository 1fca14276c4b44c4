import { Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Catalogue } from '../catalogue/catalogue';
import { CommandResult, CommandRunner } from './command-runner';
import {
  DecisionSpec,
  adjustSpec,
  allocateFundsSpec,
  assignPlanSpec,
  carryOverSpec,
  disburseSpec,
  reclassifyActivitySpec,
  recordOutputsSpec,
  registerActivitySpec,
  returnFundsSpec,
  reverseDisbursementSpec,
} from './command-specs';
import { LedgerCommand } from './ledger-command';
import type { AssignPlan } from './assign-plan/assign-plan.decide';
import type { RegisterActivity } from './register-activity/register-activity.decide';
import type { AllocateFunds } from './allocate-funds/allocate-funds.decide';
import type { Disburse } from './disburse/disburse.decide';
import type { ReverseDisbursement } from './reverse-disbursement/reverse-disbursement.decide';
import type { ReturnFunds } from './return-funds/return-funds.decide';
import type { CarryOver } from './carry-over/carry-over.decide';
import type { Adjust } from './adjust/adjust.decide';
import type { ReclassifyActivity } from './reclassify-activity/reclassify-activity.decide';
import type { RecordOutputs } from './record-outputs/record-outputs.decide';

export class AssignPlanCommand extends LedgerCommand<AssignPlan> {}
export class RegisterActivityCommand extends LedgerCommand<RegisterActivity> {}
export class AllocateFundsCommand extends LedgerCommand<AllocateFunds> {}
export class DisburseCommand extends LedgerCommand<Disburse> {}
export class ReverseDisbursementCommand extends LedgerCommand<ReverseDisbursement> {}
export class ReturnFundsCommand extends LedgerCommand<ReturnFunds> {}
export class CarryOverCommand extends LedgerCommand<CarryOver> {}
export class AdjustCommand extends LedgerCommand<Adjust> {}
export class ReclassifyActivityCommand extends LedgerCommand<ReclassifyActivity> {}
export class RecordOutputsCommand extends LedgerCommand<RecordOutputs> {}

/** Every handler is the same: the command's spec (command-specs.ts) run through the one command loop. */
@Injectable()
abstract class SpecHandler<I> implements ICommandHandler<LedgerCommand<I>, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly catalogue: Catalogue,
  ) {}

  protected abstract spec(input: I, catalogue: Catalogue): DecisionSpec;

  execute({ ctx, input, body }: LedgerCommand<I>): Promise<CommandResult> {
    return this.runner.run(ctx, { ...this.spec(input, this.catalogue), body });
  }
}

@CommandHandler(AssignPlanCommand)
export class AssignPlanHandler extends SpecHandler<AssignPlan> {
  protected spec = assignPlanSpec;
}

@CommandHandler(RegisterActivityCommand)
export class RegisterActivityHandler extends SpecHandler<RegisterActivity> {
  protected spec = registerActivitySpec;
}

@CommandHandler(AllocateFundsCommand)
export class AllocateFundsHandler extends SpecHandler<AllocateFunds> {
  protected spec = allocateFundsSpec;
}

@CommandHandler(DisburseCommand)
export class DisburseHandler extends SpecHandler<Disburse> {
  protected spec = disburseSpec;
}

@CommandHandler(ReverseDisbursementCommand)
export class ReverseDisbursementHandler extends SpecHandler<ReverseDisbursement> {
  protected spec = reverseDisbursementSpec;
}

@CommandHandler(ReturnFundsCommand)
export class ReturnFundsHandler extends SpecHandler<ReturnFunds> {
  protected spec = returnFundsSpec;
}

@CommandHandler(CarryOverCommand)
export class CarryOverHandler extends SpecHandler<CarryOver> {
  protected spec = carryOverSpec;
}

@CommandHandler(AdjustCommand)
export class AdjustHandler extends SpecHandler<Adjust> {
  protected spec = adjustSpec;
}

@CommandHandler(ReclassifyActivityCommand)
export class ReclassifyActivityHandler extends SpecHandler<ReclassifyActivity> {
  protected spec = reclassifyActivitySpec;
}

@CommandHandler(RecordOutputsCommand)
export class RecordOutputsHandler extends SpecHandler<RecordOutputs> {
  protected spec = recordOutputsSpec;
}

export const COMMAND_HANDLERS = [
  AssignPlanHandler,
  RegisterActivityHandler,
  AllocateFundsHandler,
  DisburseHandler,
  ReverseDisbursementHandler,
  ReturnFundsHandler,
  CarryOverHandler,
  AdjustHandler,
  ReclassifyActivityHandler,
  RecordOutputsHandler,
];
