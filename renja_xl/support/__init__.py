"""Cross-cutting helpers with no domain meaning: the pause of the garbage collector, settings from the environment."""
