"""The studybot process: the `studybot` command and the runtime it builds."""
