"""Everything that runs spaCy: tokenizing now; suggesting and training in later issues.

spaCy is imported lazily inside these modules, so that opening a project stays fast.
"""
