import { catalogueContext, ProjectionContext } from '../../projections/shared/context';
import { RedFlagRules, builtInRedFlagRules, loadRedFlagRules } from '../../projections/red-flags/rules';
import { Catalogue } from '../catalogue/catalogue';
import type { LedgerConfig } from '../config/ledger-config';

/** The red-flag rules of the configuration: LEDGER_RED_FLAG_RULES, checked (a bad file stops the ledger), or the built-in file. */
export function redFlagRulesOf(config: Pick<LedgerConfig, 'redFlagRulesFile'>): RedFlagRules {
  return config.redFlagRulesFile ? loadRedFlagRules(config.redFlagRulesFile) : builtInRedFlagRules();
}

/** What the read models are folded with, for a configuration: its catalogues and its red-flag rules. */
export function projectionContextOf(config: Pick<LedgerConfig, 'catalogueDir' | 'redFlagRulesFile'>, catalogue = Catalogue.load(config.catalogueDir)): ProjectionContext {
  return catalogueContext(catalogue, redFlagRulesOf(config));
}
