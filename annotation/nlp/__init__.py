"""The language side of Sorot, over spaCy: it knows texts, tokens and labels, not projects.

- Tokens (`tokens`, `sentences`, `docs`, `docview`, `windows`): spaCy's Indonesian tokenizer,
  the compact stored form of its tokens, and Docs rebuilt from them.
- Entity suggesters behind one interface (`suggestion`): the rule layer (`rules`,
  `rule_patterns`, `gazetteer`, `dates`, `headline`, `wordlists`), a spaCy pipeline
  (`pipeline`: the shipped model or an installed one) and the project's memory (`memory`);
  `combine` makes one set of non-overlapping suggestions of their candidates.
- Relation suggesters: the trigger-word and layout rules (`relations` and the `relation_*`
  modules) and the small learned model beside them (`relation_model`).
- `engine` puts all of them behind one call, `uncertainty` measures how unsure they are about
  an article, `model_folders` keeps trained models, `docbin` writes spaCy's training format,
  and `train_base` and `build_gazetteers` rebuild what Sorot ships.

spaCy is imported lazily inside these modules (its types only under TYPE_CHECKING), so that
importing them, and so opening a project, stays fast; `pipeline` and `train_base` are the
only modules that import it on import.
"""
