"""Quote attribution: extraction from story text (pure Python, no Django), its rules, and
suggestions recorded for editors to confirm."""
