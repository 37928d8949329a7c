"""Developer tools behind `./kb`: the offline archive and the runner benchmark."""
