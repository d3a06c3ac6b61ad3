;;; Drives `emacs --batch' through docs/editors/blockguide-eglot.el: eglot starts `blockguide serve' (from
;;; PATH, as the snippet says), `blockguide-document-block' runs twice (point, then a region), the file is
;;; saved, and a hover is asked for. What happened goes to $BG_OUT as JSON.  -*- lexical-binding: t; -*-
(require 'json)
(setq out (list (cons 'emacs emacs-version)))

(defun bg-finish (err)
  (push (cons 'error err) out)
  (with-temp-file (getenv "BG_OUT") (insert (json-encode out)))
  (kill-emacs (if err 3 0)))

(defun bg-wait (what seconds pred)
  (let ((deadline (+ (float-time) seconds)))
    (while (not (funcall pred))
      (when (> (float-time) deadline) (error "timed out waiting for %s" what))
      (accept-process-output nil 0.05))))

(condition-case err
    (progn
      (package-initialize)              ; Emacs 28: eglot from elpa-eglot; a no-op for the built-in one
      (require 'eglot)
      (push (cons 'eglot (or (and (boundp 'eglot--version) eglot--version)
                             (let ((d (cadr (assq 'eglot package-alist)))) (and d (package-version-join (package-desc-version d))))
                             "built-in"))
            out)
      (load (getenv "BG_SNIPPET") nil t)
      (find-file (getenv "BG_FILE"))
      (push (cons 'mode (symbol-name major-mode)) out)
      (call-interactively #'eglot)
      (bg-wait "eglot" 30 (lambda () (let ((s (eglot-current-server))) (and s (eglot--server-capable :codeActionProvider)))))
      ;; 1. point on `def slugify'
      (goto-char (point-min))
      (re-search-forward "^def slugify")
      (beginning-of-line)
      (call-interactively #'blockguide-document-block)
      ;; 2. a region: the lines of Slugger.make
      (goto-char (point-min))
      (re-search-forward "^    def make")
      (beginning-of-line)
      (set-mark (point))
      (forward-line 2)
      (activate-mark)
      (call-interactively #'blockguide-document-block)
      (deactivate-mark)
      (save-buffer)
      ;; 3. hover in the body of slugify
      (goto-char (point-min))
      (re-search-forward "^def slugify")
      (let* ((line (line-number-at-pos))  ; 1-based: the line after the def, 0-based
             (hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                     (list :textDocument (list :uri (concat "file://" (expand-file-name buffer-file-name)))
                                           :position (list :line line :character 6)))))
        (push (cons 'hover (plist-get (plist-get hover :contents) :value)) out))
      (bg-finish nil))
  (error (bg-finish (error-message-string err))))
