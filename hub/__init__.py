"""The application shell: settings, the Starlette app, the CLI and the pipeline."""
