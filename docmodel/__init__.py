"""What a page *is*: the page grammar of Docker KB, in one package.

- `markdown`   reading Markdown (markdown-it-py) and fence info strings
- `errors`     bad input, located at file:line (and several at once)
- `macrocalls` how macro calls are written in pages ({@ snippet("name") @}) and where
- `directives` the runner's <!-- docrun: ... --> comments
- `transcript` console transcripts: `$ ` commands, their output, interactive sessions
- `dockercli`  the one reader of shell and docker command lines
- `snippets`   tested transcripts shared by several pages (snippets/*.console)
- `page`       the page model: a page read into its blocks, every block accounted for

It imports nothing from the runner (docrun), the site (macros), provisioning or tools:
they import it.
"""
