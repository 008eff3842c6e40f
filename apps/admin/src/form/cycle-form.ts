// The run form's FedCyBGD fields (methods cybgd and cybgd-split): block schedule, upload precision and download
// compression — their model, filled from a config and mapped back. The fraction is typed text; the schema checks it.
import type { RunConfig, RunConfigInput } from '@splitlora/protocol';

type Cycle = RunConfig['cycle'];

export interface CycleFormModel {
  cycleSchedule: Cycle['schedule'];
  cycleUploadDtype: Cycle['uploadDtype'];
  /** The share (0, 1] of the blocks a volunteer lacks that it downloads each round, as typed. */
  cycleDownloadFraction: string;
  cycleDownloadPick: Cycle['downloadPick'];
}

/** The form field of each `cycle.*` config path. */
export const CYCLE_FIELDS: Record<string, keyof CycleFormModel> = {
  schedule: 'cycleSchedule', uploadDtype: 'cycleUploadDtype', downloadFraction: 'cycleDownloadFraction', downloadPick: 'cycleDownloadPick',
};

export function cycleFromConfig(c: RunConfig): CycleFormModel {
  const { schedule, uploadDtype, downloadFraction, downloadPick } = c.cycle;
  return { cycleSchedule: schedule, cycleUploadDtype: uploadDtype, cycleDownloadFraction: String(downloadFraction), cycleDownloadPick: downloadPick };
}

export function cycleToConfigInput(m: CycleFormModel): Pick<RunConfigInput, 'cycle'> {
  const text = m.cycleDownloadFraction.trim();
  return {
    cycle: {
      schedule: m.cycleSchedule, uploadDtype: m.cycleUploadDtype, downloadPick: m.cycleDownloadPick,
      // Empty or not a number gives NaN, which the schema reports on the field.
      downloadFraction: text === '' ? Number.NaN : Number(text),
    },
  };
}
