"""The network log scanner (issue 5): plain Python, no Django."""
