// The dashboard's line on what the run's cut reveals: the leakage benchmark's measured token recovery at the cut
// (docs/leakage/<model>.json, through the run snapshot) and, by layout, whether the labels leave the tabs at all.
import { describeLeakage, type RunSnapshot } from '@splitlora/protocol';

export function leakageLine(run: RunSnapshot): string {
  const labels = run.config.layout === 'u-shaped'
    ? 'U-shaped: targets, masks and losses stay in the tabs; the server sees activations and gradients only (the output gradients still reveal the labels to a server that knows the frozen head: pnpm bench leak-attack).'
    : 'Standard layout: the server receives every step’s token ids (the text itself).';
  const measured = run.leakage
    ? `Measured at this cut: ${describeLeakage(run.leakage)}.`
    : `Token recovery at cut ${run.config.cut} has not been measured for ${run.model} (pnpm bench leak-attack).`;
  return `${labels} ${measured}`;
}
