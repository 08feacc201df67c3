"""studybot: a study bot for the AWS Certified Data Engineer - Associate (DEA-C01) exam."""
