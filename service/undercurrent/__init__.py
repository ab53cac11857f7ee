"""Undercurrent: a streaming monitor of invisible failures in live LLM traffic."""
