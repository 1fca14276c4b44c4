import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Catalogue } from '../catalogue/catalogue';
import { fundLineStream, activityStream } from '../fund-line/fund-line.key';
import type { FundLineState } from '../fund-line/fund-line.state';
import type { ActivityState } from '../activity/activity.state';
import { CommandResult, CommandRunner, Load } from './command-runner';
import { LedgerCommand } from './ledger-command';
import { loadActivity, loadLine } from './rules';
import { AssignPlan, decideAssignPlan } from './assign-plan/assign-plan.decide';
import { RegisterActivity, decideRegisterActivity } from './register-activity/register-activity.decide';
import { AllocateFunds, decideAllocateFunds } from './allocate-funds/allocate-funds.decide';
import { Disburse, decideDisburse } from './disburse/disburse.decide';
import { ReverseDisbursement, decideReverseDisbursement } from './reverse-disbursement/reverse-disbursement.decide';
import { ReturnFunds, decideReturnFunds } from './return-funds/return-funds.decide';
import { CarryOver, carryOverTarget, decideCarryOver } from './carry-over/carry-over.decide';
import { Adjust, decideMove, decideResize } from './adjust/adjust.decide';
import { ReclassifyActivity, decideReclassifyActivity } from './reclassify-activity/reclassify-activity.decide';
import { RecordOutputs, decideRecordOutputs } from './record-outputs/record-outputs.decide';

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

/** Loads that may repeat a stream (a move within one line): each stream is read once. */
function distinct(loads: Load[]): Load[] {
  return [...new Map(loads.map((l) => [l.stream, l])).values()];
}

function stateOf<S>(loads: readonly Load[], states: readonly { state: unknown }[], stream: string): S {
  return states[loads.findIndex((l) => l.stream === stream)]?.state as S;
}

@CommandHandler(AssignPlanCommand)
export class AssignPlanHandler implements ICommandHandler<AssignPlanCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: AssignPlanCommand) {
    return this.runner.run(ctx, {
      name: 'AssignPlan',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line)] as const,
      decide: ([line]) => decideAssignPlan(input, line.state, this.catalogue),
    });
  }
}

@CommandHandler(RegisterActivityCommand)
export class RegisterActivityHandler implements ICommandHandler<RegisterActivityCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: RegisterActivityCommand) {
    return this.runner.run(ctx, {
      name: 'RegisterActivity',
      basis: input.basis,
      body,
      primaryStream: activityStream(input.activityId),
      loads: [loadActivity(input.activityId)] as const,
      decide: ([activity]) => decideRegisterActivity(input, activity.state, this.catalogue),
    });
  }
}

@CommandHandler(AllocateFundsCommand)
export class AllocateFundsHandler implements ICommandHandler<AllocateFundsCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: AllocateFundsCommand) {
    return this.runner.run(ctx, {
      name: 'AllocateFunds',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
      decide: ([line, activity]) => decideAllocateFunds(input, line.state, activity.state, this.catalogue),
    });
  }
}

@CommandHandler(DisburseCommand)
export class DisburseHandler implements ICommandHandler<DisburseCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: DisburseCommand) {
    return this.runner.run(ctx, {
      name: 'Disburse',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line), loadActivity(input.activityId)] as const,
      decide: ([line, activity]) => decideDisburse(input, line.state, activity.state, this.catalogue),
    });
  }
}

@CommandHandler(ReverseDisbursementCommand)
export class ReverseDisbursementHandler implements ICommandHandler<ReverseDisbursementCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: ReverseDisbursementCommand) {
    return this.runner.run(ctx, {
      name: 'ReverseDisbursement',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.line),
      loads: [loadLine(input.line)] as const,
      decide: ([line]) => decideReverseDisbursement(input, line.state, this.catalogue),
    });
  }
}

@CommandHandler(ReturnFundsCommand)
export class ReturnFundsHandler implements ICommandHandler<ReturnFundsCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: ReturnFundsCommand) {
    const loads: Load[] = [loadLine(input.line), ...(input.activityId ? [loadActivity(input.activityId)] : [])];
    return this.runner.run(ctx, {
      name: 'ReturnFunds',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.line),
      loads,
      decide: (states) =>
        decideReturnFunds(input, states[0].state as FundLineState, states[1]?.state as ActivityState | undefined, this.catalogue),
    });
  }
}

@CommandHandler(CarryOverCommand)
export class CarryOverHandler implements ICommandHandler<CarryOverCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: CarryOverCommand) {
    const loads: Load[] = [
      loadLine(input.from),
      loadLine(carryOverTarget(input.from)),
      ...(input.activityId ? [loadActivity(input.activityId)] : []),
    ];
    return this.runner.run(ctx, {
      name: 'CarryOver',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(input.from),
      loads,
      decide: (states) =>
        decideCarryOver(input, states[0].state as FundLineState, states[2]?.state as ActivityState | undefined, this.catalogue),
    });
  }
}

@CommandHandler(AdjustCommand)
export class AdjustHandler implements ICommandHandler<AdjustCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: AdjustCommand) {
    if (input.kind !== 'move') {
      return this.runner.run(ctx, {
        name: 'Adjust',
        basis: input.basis,
        body,
        primaryStream: fundLineStream(input.line),
        loads: [loadLine(input.line)] as const,
        decide: ([line]) => decideResize(input, line.state, this.catalogue),
      });
    }
    const { from, to } = input;
    const loads = distinct([
      loadLine(from.line),
      loadLine(to.line),
      ...(from.activityId ? [loadActivity(from.activityId)] : []),
      ...(to.activityId ? [loadActivity(to.activityId)] : []),
    ]);
    return this.runner.run(ctx, {
      name: 'Adjust',
      basis: input.basis,
      body,
      primaryStream: fundLineStream(from.line),
      loads,
      decide: (states) =>
        decideMove(
          input,
          {
            fromLine: stateOf(loads, states, fundLineStream(from.line)),
            toLine: stateOf(loads, states, fundLineStream(to.line)),
            fromActivity: from.activityId ? stateOf(loads, states, activityStream(from.activityId)) : undefined,
            toActivity: to.activityId ? stateOf(loads, states, activityStream(to.activityId)) : undefined,
          },
          this.catalogue,
        ),
    });
  }
}

@CommandHandler(ReclassifyActivityCommand)
export class ReclassifyActivityHandler implements ICommandHandler<ReclassifyActivityCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: ReclassifyActivityCommand) {
    const loads = distinct([
      loadActivity(input.activityId),
      ...input.moves.flatMap((m) => [loadLine(m.from), loadLine(m.to)]),
    ]);
    return this.runner.run(ctx, {
      name: 'ReclassifyActivity',
      basis: input.basis,
      body,
      primaryStream: activityStream(input.activityId),
      loads,
      decide: (states) => {
        const lines = new Map(loads.slice(1).map((l, i) => [l.stream, states[i + 1].state as FundLineState]));
        return decideReclassifyActivity(input, states[0].state as ActivityState, lines, this.catalogue);
      },
    });
  }
}

@CommandHandler(RecordOutputsCommand)
export class RecordOutputsHandler implements ICommandHandler<RecordOutputsCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner, private readonly catalogue: Catalogue) {}
  execute({ ctx, input, body }: RecordOutputsCommand) {
    return this.runner.run(ctx, {
      name: 'RecordOutputs',
      basis: input.basis,
      body,
      primaryStream: activityStream(input.activityId),
      loads: [loadActivity(input.activityId)] as const,
      decide: ([activity]) => decideRecordOutputs(input, activity.state, this.catalogue),
    });
  }
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
