// The error a volunteer sees for a file the page cannot use; its message names the file and what was wrong.

export class FileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblem';
  }
}
