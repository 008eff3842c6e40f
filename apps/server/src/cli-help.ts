// The text of `pnpm start -- --help`: its own module, so the help answers without loading the server.

export const SERVER_HELP = `SplitLoRA server

  pnpm start [-- options]        builds the web pages first when their sources changed

Serving
  --port N                  port to listen on (default 8080; 0 picks a free one)
  --host H                  interface (default 0.0.0.0)
  --tls-cert FILE           serve HTTPS and WSS with this PEM certificate (needs --tls-key);
                            volunteers on other machines need HTTPS for WebGPU. \`pnpm cert\` makes
                            a self-signed one for a LAN trial
  --tls-key FILE            the certificate's PEM private key
  --allowed-origins LIST    comma-separated origins whose pages alone may connect (https://lora.example.org);
                            default: the address the browser reached; clients without Origin (fleet) pass

Access
  --admin-token-file FILE   read the admin token from FILE (created with a random token when missing);
                            default: $SPLITLORA_ADMIN_TOKEN, else <runs-dir>/admin-token, kept across restarts
  --admin-token T           the token itself (visible in the process list: prefer the file or the variable)
  --print-admin-url         print the dashboard link with its token (otherwise only the file holding it)
  --invite-token T          volunteers must open the page with ?invite=T ("auto": a random one, printed)
  --max-connections-per-ip N  open connections one address may hold (default 32)
  --max-joins-per-minute N  volunteer joins one address may make per minute (default 60)
  --trust-proxy             behind a reverse proxy: take addresses from X-Forwarded-For

Training
  --backend B               auto | tensorflow | webgpu | wasm | cpu (default auto: TensorFlow on CUDA,
                            WebGPU on a hardware adapter, native TensorFlow, wasm, then cpu;
                            webgpu by name also takes a software adapter such as SwiftShader)
  --data-dir D              data folder with e2e/ and gpt2-tokenizer/
                            (default: $SPLITLORA_DATA_DIR, else ../shared/data)
  --runs-dir D              where run folders are written (default ./runs)
  --models-dir D            Hugging Face GPT-2 folders offered as hf:<name> (default ./models)
  --run FILE                create a run from a JSON run config at start-up
  --start                   start that run right away
  --resume DIR              continue the run in DIR from its last completed round
  --max-message-mb N        largest socket.io message (default 64)
  --download-model NAME     download a GPT-2 model from the Hugging Face hub into the models folder, then exit
  --quiet                   only warnings and errors

Scale-out (several server processes behind one run, coordinated through Redis; docs/SCALE-OUT.md)
  --role R                  single (default: one process, no Redis) | coordinator (run state, rounds,
                            aggregation, persistence, dashboard; no volunteers of its own) | worker (serves
                            volunteers, trains the server split; --run, --start, --resume and --runs-dir
                            belong to the coordinator)
  --redis URL               the Redis both roles share, e.g. redis://127.0.0.1:6379 (required with --role)
  --worker-name NAME        a worker's name in logs and Redis (default: host-pid-random; letters, digits, . _ -)
`;
