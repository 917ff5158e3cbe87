"""The dataset: one package that the build writes through and the report and the publisher read
through, so neither of them depends on the other.

- :mod:`.schema`: the configs and their columns (one source of truth for writer, card, readers);
- :mod:`.folder`: the folder's layout on disk and reading one config back;
- :mod:`.writer`: streaming rows into a folder that is swapped in atomically;
- :mod:`.card`: the dataset card (the build writes it, publish regenerates it, the report quotes it);
- :mod:`.view`: the loaded dataset (:class:`~.view.Dataset`) and the groupings its readers need;
- :mod:`.label_meanings`: what a label means, for a reader.
"""
