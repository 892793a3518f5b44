#!/usr/bin/env python3
"""
Records the voice-conversion (task `vc`) goldens of valle-tck/golden/vc from the unmodified reference
(e-c-k-e-r/vall-e @ 0d4329d), on the tiny `ar_nar_len` golden model of valle-tck/golden.

What it calls, as `TTS.inference(task="vc")` does on a NAR-len model (vall_e/inference.py:435-494): the length is the
source's frame count, `vc_list=[source codes]`, then `forward_nar_masked` (vall_e/models/ar_nar.py:207-417) and the
NAR levels, all inside one `model(text_list, proms_list, lang_list, len_list, task_list=["tts"], vc_list, **kwargs)`.

Determinism: the reference's first demasking step takes `topk` of T equal scores, whose order in torch (CPU) is not
the identity, and `scatter` puts the j-th source frame at the j-th index of that order. The script records the index
order of every step (`masked_indices`, torch's order); the Java side replays it. `vc_mask_p` 0 keeps torch's random
mask out (with 0 no draw can be below it; the draws still happen, which greedy sampling does not see).

Run (the bench-reference environment of the project, see shared/bench-reference/README.md):
    VALLE_SRC=/path/to/vall-e PYTHONPATH=/path/to/shared/bench-reference python make_vc.py --golden ../ --out .
"""
import argparse
import json
import os
import shutil
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--golden", required=True, help="valle-tck/golden (holds ar_nar_len/model.sft and inputs/)")
ap.add_argument("--out", required=True, help="the vc golden folder to write")
args = ap.parse_args()
GOLDEN = os.path.abspath(args.golden)
OUT = os.path.abspath(args.out)

import valle_shims as vs  # noqa: E402  (chdir to $VALLE_SRC, shims)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from vall_e.utils.io import torch_load  # noqa: E402

torch.set_num_threads(2)
SRC_MODEL = os.path.join(GOLDEN, "ar_nar_len", "model.sft")
INPUTS = os.path.join(GOLDEN, "ar_nar_len", "inputs")


def load_model():
    state = torch_load(SRC_MODEL)
    c = state["config"]
    e = c.get("experimental", {})
    exp = vs.ModelExperimentalSettings(**{k: e[k] for k in ("audio_embedding_sums", "split_classifiers",
                                                                 "unified_position_ids", "noncausal_masks",
                                                                 "classifiers_bias") if k in e})
    conf = vs.ModelConfig(name=c["name"], version=c["version"], size=c["size"], resp_levels=c["resp_levels"],
                          tasks=c["tasks"], langs=c["langs"], tones=c["tones"], experts=c.get("experts", 1),
                          arch_type=c["arch_type"], training=False, attention="math", dropout=0.1,
                          capabilities=c["capabilities"], experimental=exp)
    size = c["size"]
    model = vs.AR_NAR(n_text_tokens=conf.text_tokens, n_audio_tokens=conf.audio_tokens, d_model=size["dim"],
                      n_heads=size["heads"], n_layers=size["layers"], n_experts=conf.experts, p_dropout=conf.dropout,
                      l_padding=conf.input_alignment, training=False, config=conf)
    model.load_state_dict({k: v.float() for k, v in state["module"].items()}, strict=True)
    model.eval()
    return model


KW = dict(max_steps=8, max_levels=7, max_duration=120, ar_temperature=0.0, nar_temperature=0.0,
          min_ar_temperature=-1.0, min_nar_temperature=-1.0, top_p=1.0, top_k=0, top_no=0.0, min_p=0.0,
          repetition_penalty=1.0, repetition_penalty_decay=0.0, length_penalty=0.0, beam_width=0, mirostat_tau=0,
          mirostat_eta=0, dry_multiplier=0, dry_base=1.75, dry_allowed_length=2, entropix_sampling=False,
          layer_skip=False, refine_on_stop=False, denoise_start=0.0, input_prompt_prefix=False, prefix_silence=0.0,
          cfg_strength=2.5, cfg_rescale=0.75, vc_threshold=0.25, vc_mask_p=0.0)


def record(model, name, frames, seed, description):
    g = torch.Generator().manual_seed(seed)
    source = torch.randint(0, 1024, (frames, 8), generator=g).to(torch.int16)
    text = torch.from_numpy(np.load(os.path.join(INPUTS, "text_tokens.npy"))).to(torch.int16)
    prom = torch.from_numpy(np.load(os.path.join(INPUTS, "prom_codes.npy"))).to(torch.int16)
    lang = torch.from_numpy(np.load(os.path.join(INPUTS, "lang.npy"))).to(torch.uint8)

    # every topk over a 1-D score vector of the source's length is a masking step: keep its indices in torch's order
    orders = []
    original_topk = torch.Tensor.topk

    def recording_topk(self, *a, **k):
        out = original_topk(self, *a, **k)
        if self.dim() == 1 and self.shape[0] == frames and self.dtype == torch.float32:
            orders.append(out.indices.tolist())
        return out

    torch.Tensor.topk = recording_topk
    try:
        with torch.no_grad():
            torch.manual_seed(0)
            resps = model(text_list=[text], proms_list=[prom], lang_list=[lang], len_list=[frames],
                          task_list=["tts"], vc_list=[source], disable_tqdm=True, **KW)
    finally:
        torch.Tensor.topk = original_topk
    codes = resps[0].to(torch.int32).numpy()
    steps = len(orders)
    case = os.path.join(OUT, "ar_nar_len", name)
    os.makedirs(case, exist_ok=True)
    width = frames
    # steps mask different counts: pad each step's order with -1 to T
    padded = np.full((steps, width), -1, dtype=np.int32)
    for i, o in enumerate(orders):
        padded[i, :len(o)] = o
    arrays = {
        "source_codes": (source.to(torch.int32).numpy(), "[T, 8] the source utterance's codes (vc_list[0]); level 0 is used"),
        "masked_indices": (padded, "[steps, T] the indices topk returned at each demasking step, in torch's order, "
                                   "padded with -1 (the first n of each row are the step's masked positions)"),
        "codes": (codes, "[T, 8] the final codes: level 0 from the vc demasking, levels 1..7 from the NAR"),
    }
    for n, (a, _) in arrays.items():
        np.save(os.path.join(case, n + ".npy"), a.astype(np.int32))
    manifest = {
        "case": "ar_nar_len/" + name,
        "description": description,
        "arrays": {n + ".npy": {"shape": list(a.shape), "dtype": "int32", "description": d}
                   for n, (a, d) in arrays.items()},
        "values": {
            "call": "model(text_list=[text_tokens], proms_list=[prom_codes], lang_list=[lang], len_list=[T], "
                    "task_list=['tts'], vc_list=[source_codes], **sampling_kwargs) after torch.manual_seed(0)",
            "sampling_kwargs": {k: v for k, v in KW.items() if k not in ("vc_threshold", "vc_mask_p")},
            "vc_threshold": KW["vc_threshold"],
            "vc_mask_p": KW["vc_mask_p"],
            "len_list": [frames],
            "demask_steps": steps,
            "source_seed": seed,
            "identity_order_at_step0": orders[0] == list(range(frames)),
        },
    }
    with open(os.path.join(case, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(name, "steps", steps, "level0", codes[:, 0].tolist())


def main():
    model = load_model()
    variant = os.path.join(OUT, "ar_nar_len")
    os.makedirs(os.path.join(variant, "inputs"), exist_ok=True)
    shutil.copyfile(SRC_MODEL, os.path.join(variant, "model.sft"))
    for f in ("text_tokens.npy", "prom_codes.npy", "lang.npy", "manifest.json"):
        shutil.copyfile(os.path.join(INPUTS, f), os.path.join(variant, "inputs", f))
    # a source longer than 75 frames: the reference always masks the last 75 (1 s), so only the first T - 75
    # source codes are ever visible
    record(model, "vc_inference", 90, 8101, "voice conversion: NAR-len demasking of a 90-frame source (its first 15 "
           "frames' level-0 codes enter at the steps with t < 0.25, at the positions torch's topk order gives), "
           "CFG 2.5, 8 steps, greedy, vc_mask_p 0")
    record(model, "vc_inference_short", 40, 8102, "voice conversion of a 40-frame source: every source frame falls in "
           "the always-masked last 75, so the result is plain NAR-len demasking of 40 frames")


main()
