"""Every word, keyboard and callback-data format the person sees (DESIGN §2), HTML-safe."""
