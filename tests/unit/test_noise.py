"""Output the runner provokes is removed before comparing (docrun/noise.py)."""

from docrun.noise import provoked_by_runner

NOTICE = ["DEPRECATED: The legacy builder is deprecated and will be removed in a future release.",
          "            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0",
          "            environment-variable.", ""]


def test_the_legacy_builder_notice_goes_on_the_classic_pass_only():
    lines = [*NOTICE, "sha256:abc"]
    assert provoked_by_runner("docker build -q .", classic_pass=True)(lines) == ["sha256:abc"]
    assert provoked_by_runner("docker build -q .", classic_pass=False)(lines) == lines


def test_a_page_that_sets_the_variable_itself_keeps_the_notice_its_reader_sees():
    lines = [*NOTICE, "Sending build context to Docker daemon  2.048kB"]
    assert provoked_by_runner("DOCKER_BUILDKIT=0 docker build .", classic_pass=True)(lines) == lines


def test_other_output_is_untouched():
    lines = ["DEPRECATED: something else", "  indented", "", "done"]
    assert provoked_by_runner("docker build .", classic_pass=True)(lines) == lines
