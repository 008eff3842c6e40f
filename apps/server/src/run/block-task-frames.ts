// A block-training round's instruction as it travels: the strategy's block task with its downloads packed into at
// most two binary frames — the deltas against the versions the volunteer holds in fp16 (small values; the frame's
// power-of-two scale keeps them precise), whole blocks (when an old version is gone) in fp32.
import { type BlockTaskPlan, type Gpt2Config, packBlocks } from '@splitlora/core';
import { type BlockTask, encodeFloatFrame, type TensorFrame } from '@splitlora/protocol';

export function blockTaskMessage(config: Gpt2Config, task: BlockTaskPlan): BlockTask {
  const frame = (whole: boolean): TensorFrame | null => {
    const blocks = task.downloads.filter((d) => (d.base === null) === whole);
    if (blocks.length === 0) return null;
    const flat = packBlocks(config, blocks);
    return encodeFloatFrame(whole ? 'wholes' : 'deltas', [flat.length], flat, whole ? 'float32' : 'float16');
  };
  return {
    block: task.block,
    versions: task.versions,
    downloads: task.downloads.map(({ block, version, base }) => ({ block, version, base })),
    deltas: frame(false),
    wholes: frame(true),
  };
}
