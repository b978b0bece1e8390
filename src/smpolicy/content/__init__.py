"""The post checker (issue 4): plain Python, no Django."""
