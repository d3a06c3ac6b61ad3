;;; blockguide-eglot.el --- blockguide through eglot  -*- lexical-binding: t; -*-

;; Emacs 29+ has eglot built in; on Emacs 28 install it first (Debian: `apt-get install elpa-eglot`, or
;; M-x package-install RET eglot). Load this file from your init file:  (load "~/path/to/blockguide-eglot.el")
;; then M-x eglot in a Python/JavaScript/... buffer, and:
;;   C-c b d   document the function or class at point (with an active region: the selected lines)
;;   hover     the guide shows in eldoc (the echo area) when point is in a documented block
;; Eglot runs one server per major mode: while blockguide is the server of, say, python-mode, your usual
;; Python server is not (Helix and Neovim run both side by side).
;; tests/editors/test_emacs.py loads this very file in `emacs --batch` and runs C-c b d's command.

(require 'eglot)
(require 'seq)

(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode tsx-ts-mode
                go-mode go-ts-mode rust-mode rust-ts-mode java-mode java-ts-mode c-mode c-ts-mode
                c++-mode c++-ts-mode)
               . ("blockguide" "serve"
                  ;; the `blockguide' section (docs/PROTOCOL.md); the model server defaults to $OLLAMA_HOST
                  ;; or http://127.0.0.1:11434 -- add e.g. :ollamaHost "http://127.0.0.1:11434"
                  :initializationOptions (:blockguide (:model "blockguide-tiny")))))

(defun blockguide-document-block (beg &optional end)
  "Document the function or class at BEG (or the lines from BEG to END) with blockguide."
  (interactive (if (use-region-p)
                   (list (region-beginning) (region-end))
                 ;; on the indentation of a `def' line: that definition, not the one around it
                 (list (max (point) (save-excursion (back-to-indentation) (point))) nil)))
  (let* ((server (or (eglot-current-server) (user-error "blockguide: no eglot server in this buffer")))
         (action (seq-find (lambda (a) (equal (plist-get a :title) "Document this block"))
                           (eglot-code-actions beg end "refactor.rewrite.blockguide")))
         (command (and action (plist-get action :command)))
         ;; you asked for this edit: no confirmation; drafting takes longer than jsonrpc's 10 s default
         (eglot-confirm-server-initiated-edits nil))
    (cond
     ((null action) (user-error "blockguide: no block to document here"))
     (command ; eglot without codeAction/resolve: the server drafts, then edits through workspace/applyEdit
      (jsonrpc-request server :workspace/executeCommand
                       (list :command (plist-get command :command) :arguments (plist-get command :arguments))
                       :timeout 600))
     (t       ; a client with resolve support: the resolved action carries the edit
      (let ((resolved (jsonrpc-request server :codeAction/resolve action :timeout 600)))
        (if (plist-get resolved :edit)
            (eglot--apply-workspace-edit (plist-get resolved :edit))
          (message "blockguide: nothing was changed")))))))

(with-eval-after-load 'eglot
  (define-key eglot-mode-map (kbd "C-c b d") #'blockguide-document-block))

(provide 'blockguide-eglot)
;;; blockguide-eglot.el ends here
