"""The LLM judge tier: prompt, client, verdict, ensembling, cost and evaluation."""
