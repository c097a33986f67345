"""The FAQ learning loop for one workspace, shared by the CLI, App Home and the digest.

`bot.teaching.changes` makes the changes a person approves (teach, unteach, "not ours", a new
workspace entry), each recorded with who and when; `bot.teaching.lists` builds what there is to
look at (misses grouped, entries due for review, answers voted down). Both work on the
workspace's own matcher (`Runtime.faq_matcher`), so what one workspace taught never shows in
another. See docs/faq-learning.md.
"""
