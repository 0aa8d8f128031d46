"""Tiny models built on the fly, so the real loading code runs offline in tests."""

from __future__ import annotations

from pathlib import Path

CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
WORDS = "the a and of to is in it for on with snack night taco sauce hot fresh soup idiot stupid".split()


def build_tiny_detoxify(folder: Path, hot_label: str = "insult") -> Path:
    """Write a 2-layer BERT detoxify checkpoint plus its HF config/tokenizer folder.

    The classifier ignores the text: ``hot_label`` scores ~0.99 and every other
    label ~0.01, so thresholds can be tested exactly. Returns the checkpoint path.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    torch.set_num_threads(1)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghijklmnopqrstuvwxyz0123456789", *WORDS]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizer(str(folder / "vocab.txt"), do_lower_case=True).save_pretrained(folder)
    cfg = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=64, num_labels=len(CLASSES),
    )
    cfg.save_pretrained(folder)
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-5.0)
        model.classifier.bias[CLASSES.index(hot_label)] = 5.0
    ckpt = folder / "tiny.ckpt"
    torch.save(
        {
            "config": {
                "arch": {"args": {"model_type": str(folder), "model_name": "BertForSequenceClassification",
                                  "tokenizer_name": "BertTokenizer", "num_classes": len(CLASSES)}},
                "dataset": {"args": {"classes": CLASSES}},
            },
            "state_dict": model.state_dict(),
        },
        ckpt,
    )
    return ckpt
