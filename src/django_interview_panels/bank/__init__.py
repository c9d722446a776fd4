"""The question bank: categories, topics, subtopics, questions and rubric dimensions."""
