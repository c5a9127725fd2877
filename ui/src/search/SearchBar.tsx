/** #search: the query language of the CLI, answered as the person types. */

import { runSearch, saveSearch, typeSearch, clearSearch } from "../app/search";
import { searchError, searchText, source } from "../app/state";

const HELP =
  'words, "phrases", -not, a OR b, ( ), from: to: subject: tag: status: kind: priority: assignee: is:unread is:mine has:attachment before: after:';

export function SearchBar() {
  const err = searchError.value;
  const active = source.value.by === "query";
  return (
    <div class="search-bar">
      <div class="search-row">
        <input
          id="search"
          type="search"
          placeholder="Search   /"
          title={HELP}
          value={searchText.value}
          autocomplete="off"
          spellcheck={false}
          aria-invalid={err ? "true" : undefined}
          aria-describedby={err ? "search-error" : undefined}
          onInput={(e) => typeSearch(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === "ArrowDown") {
              e.preventDefault();
              void runSearch(e.currentTarget.value);
              document.getElementById("ticket-list")?.focus();
            }
          }}
        />
        {active && (
          <>
            <button type="button" id="save-search" onClick={saveSearch} title="Keep this search in the sidebar">
              Save search
            </button>
            <button type="button" id="search-clear" class="icon-button" aria-label="Clear search" onClick={() => void clearSearch()}>
              ×
            </button>
          </>
        )}
      </div>
      {err && (
        <pre id="search-error" role="alert">
          {err}
        </pre>
      )}
    </div>
  );
}
