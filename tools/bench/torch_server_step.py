"""The server split's training step in PyTorch, for `pnpm bench server`: tokens/s on the same CPU threads.

Builds a random GPT-2 (transformers) with PEFT LoRA on c_attn (rank 2r, alpha 2*alpha: the q/v adapter of
tools/fixtures/make_fixtures.py without its block mask), then times blocks cut..L-1 + ln_f + tied head + masked
cross-entropy on random cut activations (requires_grad), backward, gradient clipping and an AdamW step.
Prints one JSON object on the last stdout line; progress goes to stderr.
"""
import argparse
import json
import sys
import time
import warnings

import torch
from peft import LoraConfig, get_peft_model
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.masking_utils import create_causal_mask

PRESETS = {  # n_embd, n_layer, n_head, n_positions (vocabulary 50257), as packages/core's GPT2_PRESETS
    "tiny": (64, 6, 4, 512),
    "distilgpt2": (768, 6, 12, 1024),
    "gpt2": (768, 12, 12, 1024),
    "gpt2-medium": (1024, 24, 16, 1024),
}


def build(model_name, r, alpha, dropout):
    embd, layers, heads, positions = PRESETS[model_name]
    config = GPT2Config(vocab_size=50257, n_positions=positions, n_embd=embd, n_layer=layers, n_head=heads,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=True)
    torch.manual_seed(0)
    base = GPT2LMHeadModel(config)
    lora = LoraConfig(r=2 * r, lora_alpha=2 * alpha, lora_dropout=dropout, target_modules=["c_attn"],
                      fan_in_fan_out=True, bias="none")
    return get_peft_model(base, lora), config


def main():
    warnings.filterwarnings("ignore", category=FutureWarning)
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="tiny", choices=sorted(PRESETS))
    p.add_argument("--cut", type=int, default=3)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--min-steps", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=20)
    p.add_argument("--budget-s", type=float, default=20.0)
    p.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's default")
    p.add_argument("--r", type=int, default=4)
    p.add_argument("--alpha", type=float, default=32.0)
    p.add_argument("--dropout", type=float, default=0.1)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    peft_model, config = build(a.model, a.r, a.alpha, a.dropout)
    if not 1 <= a.cut <= config.n_layer - 1:
        sys.exit(f"cut layer {a.cut} out of range 1..{config.n_layer - 1} for {a.model}")
    peft_model.train()
    gpt = peft_model.base_model.model  # GPT2LMHeadModel with LoRA-wrapped c_attn
    blocks = gpt.transformer.h[a.cut:]
    # Only the server's adapters train here (the client blocks are not run).
    server_params = [q for n, q in peft_model.named_parameters() if q.requires_grad and int(n.split(".h.")[1].split(".")[0]) >= a.cut]
    optimizer = torch.optim.AdamW(server_params, lr=2e-4, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)
    g = torch.Generator().manual_seed(0)
    hidden0 = torch.randn(a.batch, a.seq, config.n_embd, generator=g)
    targets = torch.randint(0, config.vocab_size, (a.batch * a.seq,), generator=g)
    mask = torch.ones(a.batch * a.seq)
    position_ids = torch.arange(a.seq).unsqueeze(0)
    causal = create_causal_mask(config=gpt.config, inputs_embeds=hidden0, attention_mask=None, past_key_values=None,
                                position_ids=position_ids)

    def step():
        hidden = hidden0.clone().requires_grad_(True)
        h = hidden
        for block in blocks:
            h = block(h, None, causal, position_ids=position_ids)
        h = gpt.transformer.ln_f(h)
        logits = gpt.lm_head(h).reshape(-1, config.vocab_size)
        per_token = torch.nn.functional.cross_entropy(logits, targets, reduction="none")
        loss = (per_token * mask).sum() / mask.sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(server_params, 1.0)
        optimizer.step()
        _ = hidden.grad.numpy()  # the gradient that would travel back
        return loss.item()

    warmup_s, step_s = [], []
    for _ in range(a.warmup):
        t0 = time.perf_counter()
        step()
        warmup_s.append(time.perf_counter() - t0)
    spent = 0.0
    loss = float("nan")
    while len(step_s) < a.max_steps and (len(step_s) < a.min_steps or spent < a.budget_s):
        t0 = time.perf_counter()
        loss = step()
        dt = time.perf_counter() - t0
        step_s.append(dt)
        spent += dt
    tokens = a.batch * a.seq
    step_s_sorted = sorted(step_s)
    median = step_s_sorted[len(step_s_sorted) // 2]
    print(f"{a.model} {a.batch}x{a.seq}: median {median * 1000:.1f} ms/step over {len(step_s)} steps", file=sys.stderr)
    print(json.dumps({
        "model": a.model, "cut": a.cut, "batch": a.batch, "seq": a.seq, "threads": torch.get_num_threads(),
        "torch": torch.__version__, "steps": len(step_s), "stepMs": [s * 1000 for s in step_s],
        "warmupMs": [s * 1000 for s in warmup_s], "tokensPerSecond": tokens / median, "loss": loss,
        "trainableServerParams": sum(q.numel() for q in server_params),
    }))


if __name__ == "__main__":
    main()
