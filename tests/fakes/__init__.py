"""Fakes only the tests use: the assistant of the unit tier (`assistant`), an Application
polling the Bot API fake (`application`; the fake itself is the top-level botapi_fake, which
the benchmark shares), and the participant a channel lends with each event
(`participants`)."""
