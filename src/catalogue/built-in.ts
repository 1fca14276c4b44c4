import { join } from 'node:path';

/** The folder of the programme catalogues shipped with the ledger: the default of LEDGER_CATALOGUE_DIR. */
export const BUILT_IN_CATALOGUE_DIR = join(__dirname, 'data', 'programmes');
