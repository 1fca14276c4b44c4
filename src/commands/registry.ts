import type { CommandSlice } from './slice';
import { assignPlanCommand } from './assign-plan/assign-plan.slice';
import { registerActivityCommand } from './register-activity/register-activity.slice';
import { allocateFundsCommand } from './allocate-funds/allocate-funds.slice';
import { disburseCommand } from './disburse/disburse.slice';
import { reverseDisbursementCommand } from './reverse-disbursement/reverse-disbursement.slice';
import { returnFundsCommand } from './return-funds/return-funds.slice';
import { carryOverCommand } from './carry-over/carry-over.slice';
import { adjustCommand } from './adjust/adjust.slice';
import { reclassifyActivityCommand } from './reclassify-activity/reclassify-activity.slice';
import { recordOutputsCommand } from './record-outputs/record-outputs.slice';
import { stateFigureCommand } from './state-figure/state-figure.slice';
import { recordNoteCommand } from './record-note/record-note.slice';
import { USER_COMMANDS } from './users/users.slice';
import { explainFindingCommand } from './explain-finding/explain-finding.slice';
import { openBalanceCommand } from './open-balance/open-balance.slice';
import { transferToSuccessorCommand } from './transfer-to-successor/transfer-to-successor.slice';
import { recordStageCommand } from './record-stage/record-stage.slice';
import { recordOutcomeCommand } from './record-outcome/record-outcome.slice';
import { setOutcomeTargetCommand } from './set-outcome-target/set-outcome-target.slice';
import { reviewRedFlagCommand } from './review-red-flag/review-red-flag.slice';

/**
 * Every command of the ledger, one line each. The HTTP routes (src/api/commands.controller.ts), the CQRS
 * handler (run-command.ts) and the journal's entry kinds (src/journal/journal.compile.ts) are derived from
 * this list, in this order.
 */
export const COMMANDS: readonly CommandSlice[] = [
  assignPlanCommand,
  registerActivityCommand,
  allocateFundsCommand,
  disburseCommand,
  reverseDisbursementCommand,
  returnFundsCommand,
  carryOverCommand,
  adjustCommand,
  reclassifyActivityCommand,
  recordOutputsCommand,
  stateFigureCommand,
  recordNoteCommand,
  ...USER_COMMANDS,
  explainFindingCommand,
  openBalanceCommand,
  transferToSuccessorCommand,
  recordStageCommand,
  recordOutcomeCommand,
  setOutcomeTargetCommand,
  reviewRedFlagCommand,
];
