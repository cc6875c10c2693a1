# pgo-train.cmake — the training run of a profile-guided (PGO) Release build (see CMakeLists.txt): runs the
# instrumented asyncscan over the bundled fixtures with the default rules, all rules and the peer's rules, with
# and without the pre-parse skip, on one thread (so the profile, and the binary built from it, is the same every
# time), into a fresh profile directory, then touches STAMP.
# Usage: cmake -DBIN=<instrumented asyncscan> -DPROFILE_DIR=<dir> -DFIXTURES=<dir> -DSTAMP=<file> -P pgo-train.cmake
file(REMOVE_RECURSE "${PROFILE_DIR}")
file(MAKE_DIRECTORY "${PROFILE_DIR}")
function(train)
  execute_process(
    COMMAND "${BIN}" --no-cache --no-respect-gitignore --jobs 1 ${ARGN} "${FIXTURES}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  # 0 clean, 1 findings, 2 some fixtures are bad input on purpose; anything else (a crash) stops the build.
  if(NOT rc MATCHES "^[012]$")
    message(FATAL_ERROR "PGO training run failed (${rc}): ${BIN} ${ARGN} ${FIXTURES}")
  endif()
endfunction()
foreach(skip "" "--no-skip")
  train(${skip})
  train(${skip} --select ALL)
  train(${skip} --select ASYNC,RUF006)
endforeach()
file(TOUCH "${STAMP}")
