// The run card's words for a run's training method, with FedCyBGD's cycle settings when the method trains blocks.
import { type RunConfig, trainsBlocks } from '@splitlora/protocol';

const METHOD_NAMES: Partial<Record<RunConfig['method'], string>> = {
  splitlora: 'SplitLoRA', cybgd: 'FedCyBGD', 'cybgd-split': 'FedCyBGD (split)', sl: 'Sequential SL (turns)',
  fedlora: 'Federated LoRA (whole model in the tabs)',
};

export function methodSummary(c: Pick<RunConfig, 'method' | 'cycle'>): string {
  const name = METHOD_NAMES[c.method] ?? c.method;
  if (!trainsBlocks(c.method)) return name;
  const { schedule, uploadDtype, downloadFraction, downloadPick } = c.cycle;
  const downloads = downloadFraction >= 1
    ? 'all lacking blocks downloaded'
    : `${Math.round(downloadFraction * 100)} % of lacking blocks downloaded (${downloadPick === 'stalest' ? 'stalest first' : 'at random'})`;
  return `${name}: ${schedule} schedule, ${uploadDtype === 'float16' ? 'fp16' : 'fp32'} block uploads, ${downloads}`;
}
