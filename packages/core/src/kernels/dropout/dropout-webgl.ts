// HashDropout on tfjs-backend-webgl (WebGL 2): a fragment program per output element computes its flat index from
// its coordinates and hashes it (GLSL copy of dropout-hash.ts). On WebGL 1 (no unsigned integers) the mask is made
// on the host with the same hash and the kernel falls back to reading the input.
import { env, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { applyDropout, LOWBIAS32_STATEMENTS } from './dropout-hash.js';
import { HASH_DROPOUT, paramsOf } from './dropout-kernel-name.js';

/** The slice of tfjs-backend-webgl's MathBackendWebGL used here. */
interface WebGlBackend {
  runWebGLProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniformValues?: number[][]): TensorInfo;
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const COORD_TYPES = ['int', 'ivec2', 'ivec3', 'ivec4'];
const COMPONENTS = ['x', 'y', 'z', 'w'];

/** GLSL for the flat (row-major) index of the output coordinates of a tensor of this shape (rank 1 to 4). */
function flatIndexCode(shape: number[]): string {
  if (shape.length <= 1) return 'int index = getOutputCoords();';
  if (shape.length > 4) throw new Error(`HashDropout on webgl supports rank 1 to 4, found shape [${shape.join(', ')}]`);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const terms = strides.map((stride, i) => `c.${COMPONENTS[i]} * ${stride}`).join(' + ');
  return `${COORD_TYPES[shape.length - 1]} c = getOutputCoords(); int index = ${terms};`;
}

function hashDropoutProgram(shape: number[]): object {
  return {
    variableNames: ['X'],
    outputShape: shape,
    customUniforms: [{ name: 'dropKey0', type: 'int' }, { name: 'dropKey1', type: 'int' }, { name: 'dropThreshold', type: 'int' }, { name: 'dropScale', type: 'float' }],
    userCode: `
      uint lowbias32(uint v) {
        uint x = v;
        ${LOWBIAS32_STATEMENTS}
        return x;
      }
      void main() {
        ${flatIndexCode(shape)}
        uint h = lowbias32(lowbias32(uint(index) ^ uint(dropKey0)) + uint(dropKey1));
        setOutput(h >= uint(dropThreshold) ? getXAtOutCoords() * dropScale : 0.0);
      }`,
  };
}

export const hashDropoutWebGlConfig: KernelConfig = {
  kernelName: HASH_DROPOUT,
  backendName: 'webgl',
  kernelFunc: (({ inputs, backend, attrs }) => {
    const webgl = backend as unknown as WebGlBackend;
    const x = inputs['x']!;
    const p = paramsOf(attrs);
    if (env().getNumber('WEBGL_VERSION') < 2) {
      const out = new Float32Array(x.shape.reduce((a, b) => a * b, 1));
      applyDropout(webgl.readSync(x.dataId), out, p);
      return webgl.makeTensorInfo([...x.shape], 'float32', out);
    }
    // Unsigned values travel as the int32 with the same bits; GLSL's uint(int) keeps the bit pattern.
    return webgl.runWebGLProgram(hashDropoutProgram([...x.shape]), [x], 'float32', [[p.key0 | 0], [p.key1 | 0], [p.threshold | 0], [p.scale]]);
  }) as KernelFunc,
};
