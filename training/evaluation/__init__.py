"""Compare training stages (base, SFT, DPO) side by side: preference pairs and generated replies."""
